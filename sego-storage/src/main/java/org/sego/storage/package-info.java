/**
 * Volume implementation: a durable store (memory or image file) behind a volatile write cache
 * with flush, FUA, power-failure tearing and an I/O log.
 */
package org.sego.storage;
