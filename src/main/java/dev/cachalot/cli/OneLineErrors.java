package dev.cachalot.cli;

import dev.cachalot.UserFacingException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Expected failures (a server that is not there, a bad host) print one line; unexpected ones print
 * one line too, with the stack trace only under `--verbose`.
 */
final class OneLineErrors implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parseResult) {
    var err = cli.getErr();
    if (ex instanceof UserFacingException userFacing) {
      err.println("cachalot: " + userFacing.getMessage());
      if (LoggingOptions.isVerbose()) {
        ex.printStackTrace(err);
      }
      err.flush();
      return userFacing.exitCode();
    }
    err.println("cachalot: unexpected error: " + ex + (LoggingOptions.isVerbose() ? "" : " (run with --verbose for details)"));
    if (LoggingOptions.isVerbose()) {
      ex.printStackTrace(err);
    }
    err.flush();
    return 70;
  }
}
