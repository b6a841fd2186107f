/** Cost profiles {@code paper-2015} and {@code modern}: every figure with its source. */
package org.sego.hw.x86.cost;
