-- Every rule base that was ever active: its files (DRL and scenarios), who activated it and when.
CREATE TABLE rule_versions (
    version      integer      PRIMARY KEY,
    files        jsonb        NOT NULL,
    checksum     varchar(64)  NOT NULL,
    activated_at timestamptz  NOT NULL,
    activated_by varchar(200) NOT NULL,
    note         varchar(500)
);
