package org.sego.api.hv;

import org.sego.api.Experimental;

/**
 * One check a strategy (or the trusted library, switched through the strategy's capabilities)
 * performs, with the boolean parameter of the strategy's schema that switches it off. Turning any
 * one off must flip at least one attack of the catalogue, or the check is untested.
 */
@Experimental("grows with the strategies")
public record Check(String name, String parameter, String description) {}
