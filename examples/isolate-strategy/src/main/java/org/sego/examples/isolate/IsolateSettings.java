package org.sego.examples.isolate;

/** The isolate strategy's validated parameters. */
record IsolateSettings(boolean userWritesByHypercall) {}
