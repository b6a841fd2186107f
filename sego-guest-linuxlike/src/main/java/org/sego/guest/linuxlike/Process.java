package org.sego.guest.linuxlike;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.TreeSet;
import org.sego.api.posix.SignalHandler;
import org.sego.api.posix.Signals;
import org.sego.guest.linuxlike.mm.AddressSpace;

/** A process as the kernel tracks it: parent, children, exit status, signal state. */
final class Process {
  final int pid;
  int ppid;
  final AddressSpace space;
  final TreeSet<Integer> children = new TreeSet<>();
  final SignalHandler[] handlers = new SignalHandler[Signals.NSIG];
  /** Stack pointers of the signal frames not yet returned from. */
  final Deque<Long> signalFrames = new ArrayDeque<>();
  long pending;
  boolean zombie;
  int exitStatus;
  boolean waiting;
  /** Open files by descriptor; a fork shares the same open-file objects, and so their offsets. */
  final java.util.TreeMap<Integer, org.sego.guest.linuxlike.fs.OpenFile> files = new java.util.TreeMap<>();

  Process(int pid, int ppid, AddressSpace space) {
    this.pid = pid;
    this.ppid = ppid;
    this.space = space;
  }

  void raise(int signal) {
    pending |= 1L << signal;
  }
}
