"""The home, careers and research migrations as main had them before people moved to
``home`` (careers 0002 breaking the research-careers loop): the test of migrating
forward builds a database with them, as every deployment of that main has one."""
