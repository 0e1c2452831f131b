package com.koomy.worker.jobs;

import org.jobrunr.server.JobActivator;

import java.util.Map;

/** JobRunr asks for job instances by class; we hand out the ones {@code run()} built. */
public class MapJobActivator implements JobActivator {

    private final Map<Class<?>, Object> instances;

    public MapJobActivator(Map<Class<?>, Object> instances) {
        this.instances = Map.copyOf(instances);
    }

    @Override
    public <T> T activateJob(Class<T> type) {
        Object instance = instances.get(type);
        if (instance == null) {
            throw new IllegalStateException("No job instance registered for " + type.getName());
        }
        return type.cast(instance);
    }
}
