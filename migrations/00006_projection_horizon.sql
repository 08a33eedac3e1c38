-- The horizon subscribers read below, without the projector's own sessions.
--
-- A subscriber reads only events of transactions older than every
-- transaction still running, so that an event that commits late is never
-- skipped. Most running transactions at any moment are projection batches,
-- though, and they never append events: waiting for them only made each
-- projection wait for the others (under load, the matches projection's
-- batches held the directory back by a few hundred milliseconds).
--
-- Sessions whose application_name is 'keylink-projector' are the projector's
-- (eventstore.ProjectorApplicationName). The trigger below forbids them to
-- append, so their transaction ids can be left out of the horizon safely.
-- The name is trusted: keylink sets it when a projection pool connects and
-- never changes it. A session that appended under another name and then
-- took this one with SET would have its events skipped; a login role of its
-- own for the projector would close that door. Subscribers run on the
-- primary: on a hot standby the snapshot lists no running transactions.

-- +goose Up

-- events_horizon returns the oldest transaction id that may still append
-- events: the smallest running one that is not a projector session's, or
-- the snapshot's xmax when there is none. Every event of a transaction below
-- it is committed (or rolled back) as the caller's snapshot sees it, and no
-- transaction that starts later can get an id below it. pg_stat_activity
-- shows 32-bit ids, so the 64-bit ones are compared modulo 2^32: two running
-- transactions 4 billion ids apart cannot happen. A projector session that
-- pg_stat_activity does not show yet is simply not left out. PL/pgSQL, so
-- that its plan is cached per session rather than made at every call.
-- +goose StatementBegin
CREATE FUNCTION events_horizon() RETURNS xid8
LANGUAGE plpgsql STABLE AS $$
DECLARE
    snap pg_snapshot := pg_current_snapshot();
    horizon xid8;
BEGIN
    SELECT min(r.x) INTO horizon FROM pg_snapshot_xip(snap) AS r(x)
    WHERE r.x::text::bigint % 4294967296 NOT IN (
        SELECT backend_xid::text::bigint FROM pg_stat_activity
        WHERE application_name = 'keylink-projector' AND backend_xid IS NOT NULL);
    RETURN coalesce(horizon, pg_snapshot_xmax(snap));
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION events_refuse_projector() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('application_name') = 'keylink-projector' THEN
        RAISE EXCEPTION 'a projector session (application_name keylink-projector) must not append events'
            USING ERRCODE = 'KL403';
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER events_refuse_projector BEFORE INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_projector();

-- +goose Down
DROP TRIGGER events_refuse_projector ON events;
DROP FUNCTION events_refuse_projector();
DROP FUNCTION events_horizon();
