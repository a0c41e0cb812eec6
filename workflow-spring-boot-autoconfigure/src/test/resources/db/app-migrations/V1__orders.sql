-- An application's own migration, version 1 like the engine's first one.
create table app_order (
    id     bigint primary key,
    status varchar(20) not null
);
