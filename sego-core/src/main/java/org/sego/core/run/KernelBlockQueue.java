package org.sego.core.run;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sego.api.guest.BlockQueue;
import org.sego.api.guest.BlockRequest;
import org.sego.core.sim.Simulation;

/**
 * The block queue a guest kernel is handed: the hypervisor's mediated queue, with the attack's
 * block hooks on every request of every kernel and device ({@code blockSubmit} may drop it, {@code
 * blockComplete} sees its status), and the kernel-side queue an adversary may hold (delay, reorder)
 * and replay from. Without attack hooks it passes every call straight through.
 */
final class KernelBlockQueue implements BlockQueue {
  private record Held(BlockRequest request, Completion completion, long id, boolean flush, String device) {}

  private final BlockQueue inner;
  private final DelegatingHooks hooks;
  private final Simulation sim;
  private final Map<String, Deque<Held>> held = new HashMap<>();
  /** Per device, the last write request covering each block (kept only once attack hooks are installed). */
  private final Map<String, Map<Long, BlockRequest>> lastWrite = new HashMap<>();
  private long nextHeldId = -1;

  KernelBlockQueue(BlockQueue inner, DelegatingHooks hooks, Simulation sim) {
    this.inner = inner;
    this.hooks = hooks;
    this.sim = sim;
  }

  @Override
  public List<String> devices() {
    return inner.devices();
  }

  @Override
  public int blockSize(String device) {
    return inner.blockSize(device);
  }

  @Override
  public long blockCount(String device) {
    return inner.blockCount(device);
  }

  @Override
  public long submit(BlockRequest r, Completion completion) {
    if (!hooks.installed()) {
      return inner.submit(r, completion);
    }
    if (!hooks.blockSubmit(r.device(), r.block(), r.write())) {
      // Dropped: it completes at once, successfully, without reaching the device.
      long id = nextHeldId--;
      sim.schedule(sim.nowNanos(), "system.devices." + r.device(), t -> {
        hooks.blockComplete(r.device(), r.block(), r.write(), OK);
        completion.done(id, OK, t);
      });
      return id;
    }
    Deque<Held> q = held.get(r.device());
    if (q != null) {
      long id = nextHeldId--;
      q.add(new Held(r, completion, id, false, r.device()));
      return id;
    }
    return send(r, completion);
  }

  private long send(BlockRequest r, Completion completion) {
    if (r.write()) {
      Map<Long, BlockRequest> last = lastWrite.computeIfAbsent(r.device(), d -> new HashMap<>());
      for (int i = 0; i < r.count(); i++) {
        last.put(r.block() + i, r);
      }
    }
    return inner.submit(r, (id, status, t) -> {
      hooks.blockComplete(r.device(), r.block(), r.write(), status);
      completion.done(id, status, t);
    });
  }

  @Override
  public long flush(String device, Completion completion) {
    Deque<Held> q = hooks.installed() ? held.get(device) : null;
    if (q != null) {
      long id = nextHeldId--;
      q.add(new Held(null, completion, id, true, device));
      return id;
    }
    return inner.flush(device, completion);
  }

  /** From now on the kernel's requests to {@code device} stay queued here, unsent. */
  void hold(String device) {
    inner.blockSize(device); // names the device or fails
    held.putIfAbsent(device, new ArrayDeque<>());
  }

  /** Sends what was held for {@code device} (in order, or reversed) and stops holding; returns how many. */
  int release(String device, boolean reversed) {
    Deque<Held> q = held.remove(device);
    if (q == null) {
      return 0;
    }
    List<Held> list = new ArrayList<>(q);
    if (reversed) {
      java.util.Collections.reverse(list);
    }
    for (Held h : list) {
      Completion c = (id, status, t) -> h.completion().done(h.id(), status, t);
      if (h.flush()) {
        inner.flush(h.device(), c);
      } else {
        send(h.request(), c);
      }
    }
    return list.size();
  }

  /** Sends again the last write covering {@code block}; its completion status goes to {@code done}; false if none. */
  boolean replay(String device, long block, Completion done) {
    Map<Long, BlockRequest> last = lastWrite.get(device);
    BlockRequest r = last == null ? null : last.get(block);
    if (r == null) {
      return false;
    }
    inner.submit(r, done);
    return true;
  }
}
