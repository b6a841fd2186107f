package org.sego.core.run;

import java.util.function.Consumer;
import org.sego.api.attack.PhysicalAccess;
import org.sego.api.storage.IoRecord;
import org.sego.api.storage.PowerFailure;
import org.sego.core.hv.VolumeSet;
import org.sego.core.sim.Simulation;

/**
 * Physical access, for an attack that declares it: any volume at rest, the hypervisor's included,
 * bypassing the virtual device; and a power failure whose surviving writes the adversary chooses
 * (shown each pending write's block and sequence number, never its bytes). Every call is logged.
 */
final class LoggingPhysicalAccess implements PhysicalAccess {
  private final Simulation sim;
  private final VolumeSet volumes;
  private final AdversaryLog log;
  private final int boot;
  /** Refuses a call unless the boot runs. */
  private final Consumer<String> live;
  /** Ends the boot by a power failure with these survivors. */
  private final Consumer<PowerFailure> end;

  LoggingPhysicalAccess(Simulation sim, VolumeSet volumes, AdversaryLog log, int boot, Consumer<String> live,
      Consumer<PowerFailure> end) {
    this.sim = sim;
    this.volumes = volumes;
    this.log = log;
    this.boot = boot;
    this.live = live;
    this.end = end;
  }

  private boolean inRange(String device, long block) {
    return block >= 0 && block < volumes.get(device).blockCount();
  }

  @Override
  public byte[] readAtRest(String device, long block) {
    live.accept("readAtRest");
    byte[] b = null;
    if (inRange(device, block)) {
      b = new byte[volumes.get(device).blockSize()];
      volumes.get(device).read(block, b, 0);
    }
    log.add(sim.nowNanos(), "read-at-rest", device + " block " + block, false, b != null ? "read" : "out of range", b);
    return b;
  }

  @Override
  public boolean writeAtRest(String device, long block, byte[] data) {
    live.accept("writeAtRest");
    log.wrote(data);
    boolean ok = inRange(device, block);
    if (ok) {
      volumes.get(device).write(block, java.util.Arrays.copyOf(data, volumes.get(device).blockSize()), 0, true);
    }
    log.add(sim.nowNanos(), "write-at-rest", device + " block " + block, ok, ok ? "written" : "out of range", null);
    return ok;
  }

  @Override
  public long blocks(String device) {
    live.accept("blocks");
    return volumes.get(device).blockCount();
  }

  @Override
  public void powerFail(PowerFailure survivors) {
    live.accept("powerFail");
    log.add(sim.nowNanos(), "crash", "power failure, survivors chosen", true, "boot " + boot + " ends", null);
    // The adversary chooses by position and block only: the pending writes' bytes are not shown to it.
    end.accept((w, units) -> {
      try {
        return survivors.survivingUnits(new IoRecord(w.seq(), w.op(), w.block(), null), units);
      } catch (RuntimeException e) {
        return 0L; // a choice that fails loses the write
      }
    });
  }
}
