/** Device timing models: {@code hdd}, {@code sata-ssd}, {@code nvme}, {@code ramdisk}. */
package org.sego.hw.x86.device;
