package org.sego.core.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.sego.api.Experimental;

/** Reads a TOML system spec into a tree of maps, lists and scalars. */
@Experimental("composition and lifecycle")
public final class TomlSpecReader {
  private static final TomlMapper TOML = new TomlMapper();

  private TomlSpecReader() {}

  public static Map<String, Object> read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new SpecException(file.toString(), List.of(new SpecProblem("file", file.toString(), "no such file")));
    } catch (IOException e) {
      throw new SpecException(file.toString(), List.of(new SpecProblem("file", file.toString(), "cannot read: " + e)));
    }
    return parse(file.toString(), text);
  }

  public static Map<String, Object> parse(String source, String text) {
    try {
      return TOML.readValue(text, new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
          + e.getLocation().getColumnNr() + ")";
      throw new SpecException(source, List.of(new SpecProblem("toml", null, "not valid TOML" + where + ": "
          + e.getOriginalMessage())));
    }
  }
}
