package org.sego.api.hap;

import org.sego.api.Experimental;

/**
 * Secure files as a HAP sees them: the trusted library moves their data through mapped pages of
 * the file (which a protecting strategy tags or encrypts), never through plain {@code read} and
 * {@code write} buffers, and checks what the kernel answers. Descriptors are the library's own.
 * {@code fsync} covers a file's contents and length; names become durable with {@link #commit()}.
 * Every call returns a value or {@code -errno}.
 */
@Experimental("the trusted-library API")
public interface SecureFiles {
  /** Opens (or with {@code O_CREAT} creates) {@code path}; returns a secure descriptor. */
  int open(String path, int flags);

  /** Reads up to {@code length} bytes at the file's offset into HAP memory at {@code buffer}. */
  long read(int sfd, long buffer, long length);

  /** Writes {@code length} bytes from HAP memory at {@code buffer} at the file's offset. */
  long write(int sfd, long buffer, long length);

  /**
   * The address where the library maps the whole file (shared, read-write) into the HAP, or 0 for an
   * empty file; valid until the file grows or is closed.
   */
  long mmap(int sfd);

  /** Moves the file's offset (SEEK_SET only); returns the new offset. */
  long seek(int sfd, long offset);

  /**
   * Sets the file's length: a growth reads as zeros; a shrink is refused with {@code -EINVAL} under
   * the S-file rule {@code sfile-no-shrink} (the strategy's choice), else done.
   */
  int truncate(int sfd, long length);

  /** The file's length as the library knows it. */
  long length(int sfd);

  /** Makes the file's contents and length durable. */
  int fsync(int sfd);

  int close(int sfd);

  int unlink(String path);

  int rename(String from, String to);

  /** Makes every name created, renamed or removed so far durable. */
  int commit();
}
