package org.sego.api.guest;

import org.sego.api.cost.CostProfile;
import org.sego.api.hypercall.Hypercalls;

import java.util.SplittableRandom;
import org.sego.api.Experimental;
import org.sego.api.attack.KernelHooks;
import org.sego.api.sim.Clock;
import org.sego.api.sim.EventQueue;
import org.sego.api.sim.StatsSink;

/**
 * Everything an (untrusted) guest kernel may use, handed to its constructor by the run orchestrator.
 * It holds no host object: memory is the OS's EPT view, disks are a request queue. {@code hooks} are
 * where a kernel turned malicious runs attack code ({@link KernelHooks#NONE} for an honest one).
 * {@code costs} is the run's cost profile: a kernel charges its own work from it, never a literal.
 */
@Experimental("grows with the guest kernel")
public record KernelPorts(
    OsView memory,
    Hypercalls hypercalls,
    BlockQueue blocks,
    Clock clock,
    CpuPort cpu,
    EventQueue events,
    StatsSink stats,
    SplittableRandom random,
    KernelHooks hooks,
    CostProfile costs) {}
