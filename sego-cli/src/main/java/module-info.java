/** The {@code sego} command. */
@SuppressWarnings("requires-automatic") // JFreeChart 1.5.6 is an automatic module
module org.sego.cli {
  requires org.sego.core;
  requires info.picocli;
  requires com.google.common;
  requires java.desktop;
  requires org.jfree.jfreechart;
  requires org.jfree.svg;
  requires org.bouncycastle.provider; // BLAKE3 for `sego calibrate`

  opens org.sego.cli to info.picocli;
}
