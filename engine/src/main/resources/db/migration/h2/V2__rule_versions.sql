-- Every rule base that was ever active: its files (DRL and scenarios), who activated it and when.
CREATE TABLE rule_versions (
    version      integer      PRIMARY KEY,
    files        character varying       NOT NULL,
    checksum     varchar(64)  NOT NULL,
    activated_at timestamp with time zone  NOT NULL,
    activated_by varchar(200) NOT NULL,
    note         varchar(500)
);
