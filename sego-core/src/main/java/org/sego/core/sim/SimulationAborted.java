package org.sego.core.sim;

/** Unwinds parked process threads after another part of the run failed. */
final class SimulationAborted extends RuntimeException {
  private static final long serialVersionUID = 1L;

  SimulationAborted() {
    super("simulation aborted", null, false, false);
  }
}
