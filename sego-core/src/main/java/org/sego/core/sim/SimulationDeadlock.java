package org.sego.core.sim;

/** Every remaining process is blocked and no event is pending: nothing can ever run again in this boot. */
public final class SimulationDeadlock extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  SimulationDeadlock(String message) {
    super(message);
  }
}
