/**
 * The {@code watch} strategy, an example of a protection strategy compiled against {@code sego-api}
 * alone, with a custom hypercall of its own ({@code watch-frames}).
 */
package org.sego.examples.watch;
