package dev.earlybird.config;

/** What every node of one load shares: where problems go and how values are substituted. */
record Context(Problems problems, Substitutor substitutor) {}
