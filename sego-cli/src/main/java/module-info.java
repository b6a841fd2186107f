/** The {@code sego} command. */
module org.sego.cli {
  requires org.sego.core;
  requires info.picocli;
  requires com.google.common;

  opens org.sego.cli to info.picocli;
}
