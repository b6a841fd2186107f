/**
 * The {@code watch} strategy, an example of a protection strategy compiled against {@code sego-api}
 * alone, and {@code watch-probe}, an attack that probes its lifecycle and custom hypercall.
 */
package org.sego.examples.watch;
