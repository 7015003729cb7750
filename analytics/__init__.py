"""Decision support over citizen messages (决策支持): routing to a department class (分类分办),
hot issues, reply quality and the laws behind them. Reads the store and calls the Searcher;
nothing below this layer imports it."""
