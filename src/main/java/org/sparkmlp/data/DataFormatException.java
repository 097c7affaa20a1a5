package org.sparkmlp.data;

/**
 * Bad input data: the message is one line naming the file, the record and the problem, e.g.
 * {@code digits.csv: line 17: field 5 'abc' is not a number}. Thrown by readers on executors, where a reading task
 * returns it as a value ({@link RawBlock#failure}) and the driver throws it again; or thrown on the driver.
 */
public final class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String file, String record, String problem) {
        super(file + (record == null ? "" : ": " + record) + ": " + problem);
    }

    public DataFormatException(String message) {
        super(message);
    }

    /** The first DataFormatException in a cause chain (Spark wraps task failures), or null. */
    public static DataFormatException findIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof DataFormatException d) {
                return d;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
