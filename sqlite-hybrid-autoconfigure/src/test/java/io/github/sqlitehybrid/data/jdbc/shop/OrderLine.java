package io.github.sqlitehybrid.data.jdbc.shop;

/**
 * A line of an {@link Order}, kept in a table of its own and ordered by its position in the list.
 */
public record OrderLine(String product, int quantity, long priceCents) {}
