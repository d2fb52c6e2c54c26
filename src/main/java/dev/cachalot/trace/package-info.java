/** The --trace log every command shares: what happened on the wire, one line per event. */
package dev.cachalot.trace;
