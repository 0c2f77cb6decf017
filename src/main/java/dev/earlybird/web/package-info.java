/**
 * HTTP: Javalin routes for the JSON API ({@code /api/v1}), Prometheus {@code /metrics}, health and readiness,
 * and pages for people (a statement's page with its advice and generic plan; {@link dev.earlybird.web.PlansApi} for
 * its plans and a regression's plan change). Reads the history store, analysis and the in-memory fleet state; never queries a
 * monitored database. Write actions (pinning and deleting baselines, creating, expiring and deleting silences,
 * {@code POST /-/reload}) need the bearer token
 * of {@code web.token}, or the pages' forms with that token in a password field ({@link dev.earlybird.web.FormWrites});
 * baselines go through the agent's single history writer, a reload through the agent
 * ({@link dev.earlybird.web.Reloader}). The config-dependent routes are read through one holder a reload swaps.
 * Every unsafe method (POST, PUT, PATCH, DELETE) needs the token, whatever the route: no CSRF; a form sent from
 * another site is refused besides, without cookies or sessions. Long lists page by key ({@code cursor}). Every response carries
 * {@link dev.earlybird.web.SecurityHeaders} (a CSP without inline script or style: the style sheet is
 * {@code /assets/earlybird.css}); everything is served under {@code web.basePath}, which pages and links take from the
 * request ({@link dev.earlybird.web.Links#base}). Everything that came from a database (query text!) is escaped in
 * HTML. Scripts are files under {@code /assets} ({@link dev.earlybird.web.Assets}: uPlot from its webjar and the
 * statement page's chart script), never inline; they draw from the page's JSON twin, and every page stays usable
 * without them. The API's JSON records are public: the command line prints and reads the same ones, and writes them as
 * CSV with the same writer as the hot list's download ({@link dev.earlybird.web.CsvWriter}). List endpoints
 * page with {@code limit} and an opaque keyset cursor ({@link dev.earlybird.web.Paging}, one codec in
 * {@link dev.earlybird.web.Cursors}); the fleet page learns the next morning reviews through
 * {@link dev.earlybird.web.UpcomingReviews}, which the agent wires to its review loop (web never imports schedule).
 */
package dev.earlybird.web;
