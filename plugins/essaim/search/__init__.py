"""Search: a French lunr index built at build time, sharded and compact, searched in the browser."""
