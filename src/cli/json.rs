//! JSON shapes shared by several subcommands (SPEC section 4).
