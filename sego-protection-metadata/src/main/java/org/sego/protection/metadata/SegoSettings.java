package org.sego.protection.metadata;

import java.util.Set;

/**
 * The sego strategy's validated parameters: an off-switch per check (true: the check runs), the
 * scope of page sharing, the tag cache's bound, the metadata store's device ("" for none) and
 * the write protocol ({@code writeAhead}: secure-file pages are logged before their in-place write) and
 * whether the kernel may batch its hypercalls, and whether secure files may shrink ({@code relaxedFiles}).
 */
record SegoSettings(boolean checkVersion, boolean checkBinding, boolean checkIntent,
    boolean secureDelete, boolean deviceRefusal, boolean registerScrub, Set<String> libraryChecks, String sharing,
    int tagCacheEntries, String metadataDevice, boolean writeAhead, boolean batch, boolean relaxedFiles) {
  static final String SHARE_OFF = "off";
  static final String SHARE_WITHIN = "within-hap";
  static final String SHARE_ACROSS = "across-haps";
}
