// keyward/sql: SQL stores (PostgreSQL, MySQL/MariaDB, SQLite) over Kysely.
export {};
