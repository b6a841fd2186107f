/**
 * The linuxlike kernel: processes, address spaces, system calls and signals. Page tables live only
 * in guest frames; the kernel keeps no copy of user data or page tables.
 */
package org.sego.guest.linuxlike;
