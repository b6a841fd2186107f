package org.sego.guest.linuxlike;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void aProgramTouchesItsStackAndExits() {
    Guest.Outcome o = Guest.run(u -> {
      long sp = u.registers()[org.sego.api.sim.Registers.RSP];
      u.store64(sp - 4096, 42);
      if (u.load64(sp - 4096) != 42) {
        u.syscalls().exit(1);
      }
      u.syscalls().exit(7);
    });
    assertEquals(7, o.status());
  }
}
