package org.sego.examples.watch;

/** The watch strategy's validated parameters. */
record WatchSettings(boolean checkKernelWrites) {}
