/** Host-physical memory of lazily allocated 4 KiB frames. */
package org.sego.hw.x86.memory;
