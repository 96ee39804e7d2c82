-- The schema registry (Apicurio) keeps its schemas in their own database.
create database schema_registry;
