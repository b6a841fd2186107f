/** JMH benchmarks of the per-access paths; run with {@code ./sego bench}. */
package org.sego.bench;
