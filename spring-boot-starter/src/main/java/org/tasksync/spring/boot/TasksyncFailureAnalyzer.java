package org.tasksync.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a refused {@code tasksync.*} property into Spring Boot's "APPLICATION FAILED TO START"
 * report: the library's own message as the description, where to fix it as the action.
 */
public class TasksyncFailureAnalyzer extends AbstractFailureAnalyzer<TasksyncPropertiesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TasksyncPropertiesException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Correct the tasksync property in application.properties or application.yml (or the environment "
                        + "variable that sets it). Every property, its default and its range: docs/spring-boot.md "
                        + "and docs/settings.md.",
                cause);
    }
}
