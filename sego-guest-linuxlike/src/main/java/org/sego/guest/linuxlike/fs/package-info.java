/**
 * The file system: an ext2-like layout (superblock, bitmaps, inode table, directories, block maps)
 * on a guest device, reached only through a buffer cache of guest frames and the block queue.
 */
package org.sego.guest.linuxlike.fs;
