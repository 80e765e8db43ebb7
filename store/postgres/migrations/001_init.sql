-- Schema 1 of Tributary's PostgreSQL store (see store/postgres).
CREATE TABLE meta (
	one        boolean PRIMARY KEY DEFAULT true CHECK (one),
	created_at timestamptz NOT NULL,
	version    bigint NOT NULL -- bumped by each commit that changes what is published
);

-- name → SourceState as JSON (ETag, Last-Modified, errors, next attempt, …),
-- kept as bytes: jsonb refuses a \u0000 that an error message may hold
CREATE TABLE sources (
	name  text COLLATE "C" PRIMARY KEY,
	state bytea NOT NULL
);

CREATE TABLE articles (
	id        bytea PRIMARY KEY,          -- bytes order ids as the bbolt store does
	source    text COLLATE "C" NOT NULL,
	pub       bigint NOT NULL,            -- published, Unix nanoseconds (store.TimeNanos)
	body      bytea NOT NULL,             -- store.EncodeArticle
	search    text NOT NULL,              -- store.SearchText: what keywords are looked for in
	read_time integer NOT NULL            -- article.ShownReadTime; 0 = unknown
);
CREATE INDEX articles_time ON articles (pub, id);
CREATE INDEX articles_source ON articles (source, pub, id);

-- articles retention deleted, kept while their source still lists them
CREATE TABLE tombstones (
	id         bytea PRIMARY KEY,
	source     text COLLATE "C" NOT NULL,
	deleted_at timestamptz NOT NULL
);
CREATE INDEX tombstones_source ON tombstones (source, id);

-- sources missing from the config, since the first sweep that found them so
CREATE TABLE orphans (
	name  text COLLATE "C" PRIMARY KEY,
	since timestamptz NOT NULL
);
