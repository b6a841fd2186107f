package org.sego.core.compose;

import java.util.List;
import java.util.stream.Collectors;
import org.sego.api.Experimental;

/** A system spec with problems; carries all of them, found in one pass. */
@Experimental("composition and lifecycle")
public final class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<SpecProblem> problems;

  public SpecException(String source, List<SpecProblem> problems) {
    super(source + ": " + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "\n"
        + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<SpecProblem> problems() {
    return problems;
  }
}
