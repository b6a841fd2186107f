/** Built-in workloads, each a {@link org.sego.api.plugin.WorkloadProvider}. */
package org.sego.workloads;
