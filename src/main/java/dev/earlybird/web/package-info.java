/**
 * HTTP: Javalin routes for the JSON API ({@code /api/v1}), Prometheus {@code /metrics}, health and readiness,
 * and pages for people. Reads the history store, analysis and the in-memory fleet state; never queries a
 * monitored database. Everything that came from a database (query text!) is escaped in HTML.
 */
package dev.earlybird.web;
