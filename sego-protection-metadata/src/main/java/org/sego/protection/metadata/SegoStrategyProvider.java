package org.sego.protection.metadata;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.sego.api.hv.ProtectionStrategy;
import org.sego.api.hypercall.Capabilities;
import org.sego.api.plugin.Parameter;
import org.sego.api.plugin.ParameterSchema;
import org.sego.api.plugin.PluginConfig;
import org.sego.api.plugin.PluginKind;
import org.sego.api.plugin.PluginProvider;

/** Strategy plug-in {@code sego} (see {@link SegoStrategy}). */
public final class SegoStrategyProvider implements PluginProvider {
  /** The off-switch of each trusted-library check: {@code check-<name>}. */
  static String libraryParameter(String check) {
    return "check-" + check;
  }

  @Override
  public String name() {
    return "sego";
  }

  @Override
  public PluginKind kind() {
    return PluginKind.STRATEGY;
  }

  @Override
  public String description() {
    return "Sego (ASPLOS 2016): trusted metadata per protected page and block in the hypervisor; the kernel swaps, "
        + "shares, moves and stores a HAP's data by hypercall without seeing it, with no encryption or hashing";
  }

  @Override
  public ParameterSchema parameters() {
    List<Parameter> p = new ArrayList<>(List.of(
        Parameter.bool("check-version", true, "a swap-in's block must hold the page's current version (false: an older one is accepted)"),
        Parameter.bool("check-binding", true, "a swap-in's or read-in's block must be tagged with that page of that owner or file (false: any block is accepted)"),
        Parameter.bool("check-intent", true, "every HAP page-table entry must agree with the HAP's intents and the frame's metadata (false: any mapping is accepted)"),
        Parameter.bool("secure-delete", true, "a deleted secure file's blocks stay tagged, so the OS can overwrite but never read what the file left on disk (false: their tags go, and the remnants are readable)"),
        Parameter.bool("device-refusal", true, "the virtual device refuses the OS every read of a tagged block and every write of a live one (false: it lets them through and drops the tag of a block the OS wrote)"),
        Parameter.bool("register-scrub", true, "a HAP's registers are saved and scrubbed on every kernel entry (false: the kernel sees them)"),
        Parameter.choice("sharing", SegoSettings.SHARE_WITHIN, "which identical protected pages the hypervisor merges for the kernel: none, a HAP's own, or also across HAPs",
            SegoSettings.SHARE_OFF, SegoSettings.SHARE_WITHIN, SegoSettings.SHARE_ACROSS),
        Parameter.integer("tag-cache-entries", 65536, 16, 1 << 26, "tags", "block tags kept in hypervisor memory; with a metadata store the rest live there and a miss reads them back (charged)"),
        Parameter.string("metadata-device", "", "the hypervisor-only device (access = \"hypervisor\", or <device>-hv for a guest device's hypervisor-region) that holds the metadata store; empty: the only one if there is exactly one, else none (then no freshness across a power failure is claimed)")));
    p.add(Parameter.choice("write-protocol", "write-ahead", "how a secure-file page and its tag, which live on different devices, survive"
        + " a power failure: logged whole in the metadata store before the in-place write (each page atomic; one store flush per"
        + " batch of write-backs, charged), or written in place only (a torn write comes back as a mixed page under its older tag)",
        "write-ahead", "in-place"));
    p.add(Parameter.bool("batch-hypercalls", true, "the kernel may send several service hypercalls in one exit (offers 'batch'"
        + " and 'swap-folded'): the page write-backs of one flusher pass or one fsync go in one batch, a swap-in carries its"
        + " entry and a swapped-out frame is released when its write completes (false: one exit per page and per step)"));
    p.add(Parameter.choice("sfile-rules", "strict", "the S-file restrictions reported for Sego (strict: a secure file never"
        + " shrinks, a truncate below its length gets EINVAL) or relaxed: it may shrink, the pages past its new end lose their"
        + " versions (their blocks are never accepted back) and the library zeroes the tail of its last page", "strict", "relaxed"));
    p.add(Parameter.choice("sfile-sync", "write", "when a secure-file write is durable: at the write itself (S-files' rule as "
        + "reported for Sego: each write synced and confirmed before it returns), or at the HAP's fsync", "write", "fsync"));
    for (String c : SegoStrategy.LIBRARY_CHECKS) {
      p.add(Parameter.bool(libraryParameter(c), true, "trusted-library check: refuses " + Capabilities.LIBRARY_CHECK_DESCRIPTIONS.get(c)));
    }
    return ParameterSchema.of(p.toArray(new Parameter[0]));
  }

  @Override
  public Module module(PluginConfig config) {
    var q = config.parameters();
    Set<String> library = new TreeSet<>();
    for (String c : SegoStrategy.LIBRARY_CHECKS) {
      if (q.bool(libraryParameter(c))) {
        library.add(c);
      }
    }
    if (q.string("sfile-sync").equals("write")) {
      library.add(Capabilities.CHECK_SYNC_EACH_WRITE);
    }
    boolean relaxed = q.string("sfile-rules").equals("relaxed");
    if (!relaxed) {
      library.add(Capabilities.CHECK_NO_SHRINK);
    }
    SegoSettings settings = new SegoSettings(q.bool("check-version"), q.bool("check-binding"), q.bool("check-intent"),
        q.bool("secure-delete"), q.bool("device-refusal"), q.bool("register-scrub"), library,
        q.string("sharing"), (int) q.integer("tag-cache-entries"), q.string("metadata-device"),
        q.string("write-protocol").equals("write-ahead"), q.bool("batch-hypercalls"), relaxed);
    return new AbstractModule() {
      @Override
      protected void configure() {
        bind(SegoSettings.class).toInstance(settings);
        bind(ProtectionStrategy.class).to(SegoStrategy.class);
      }
    };
  }
}
