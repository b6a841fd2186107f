/** The trusted library: HAP runtime, system-call interposition, bounce buffers and Iago checks. */
package org.sego.trustedlib;
