package dev.orchard.engine.trial;

/**
 * One GPU as {@code nvidia-smi} reports it: index, name, total and used memory (MiB) and utilisation (percent).
 * Utilisation and used memory are NaN when the driver does not report them ("[N/A]").
 */
public record GpuStatus(int index, String name, double memoryTotalMiB, double utilizationPercent, double memoryUsedMiB) {
}
