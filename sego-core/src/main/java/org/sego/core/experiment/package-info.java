/**
 * Experiments: a matrix of workloads, strategies, devices, cost profiles and parameter sweeps,
 * each cell an independent deterministic simulation, run in parallel; the results tree that {@code
 * sego compare} writes as {@code results.json}.
 */
package org.sego.core.experiment;
