package dev.sam.quickstart;

/**
 * The {@code config.yaml} the quickstart writes into its home: a "quickstart" training profile sized for
 * {@link QuickstartModel} (a run takes seconds), made the default, so that plain {@code sam train} in that
 * home behaves like the quickstart's runs. Rewritten on every quickstart run (the file is the
 * quickstart's, as the marker line says); every other setting keeps SAM's default.
 */
final class QuickstartConfig {
    static final String PROFILE = "quickstart";
    static final String MARKER = "# Written by `sam quickstart`";
    /**
     * Optimizer steps per run (~9 s on 2 cores), with max_seq_length 128: measured on four repositories
     * (this one, two worktrees of it, the sample repository), both runs are blessed and learn the routing
     * log. Longer runs or sequences (1000 steps, 256 or 512 tokens) let the 200K-parameter model fit the
     * commit messages so closely that it loops on deploy's prompts (repetition 80-98%), seed after seed.
     */
    static final int MAX_STEPS = 600;

    private QuickstartConfig() {
    }

    static String yaml() {
        return MARKER + """
                 (rewritten on every quickstart run). Try: sam --sam-home THIS_DIR status
                # The "quickstart" profile fits the tiny base model "quickstart-tiny": rank-8 LoRA on every
                # projection of both layers, batch 4, a cosine schedule over %d steps (seconds per run).
                training:
                  min_samples: 100
                  default_profile: %s
                  base_model: %s
                  profiles:
                    %s:
                      base_model: %s
                      lora_layers: -1
                      rank: 8
                      alpha: 16
                      dropout: 0.0
                      batch_size: 4
                      grad_accum: 1
                      learning_rate: 0.002
                      lr_schedule: cosine
                      warmup_steps: 5
                      max_seq_length: 128
                      epochs: 1
                      max_steps: %d
                      targets: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]
                      checkpoint_every: 250
                      eval_every: 250
                      seed: 1
                # The evaluation answers fewer commit samples and code tasks than by default: the tiny model
                # passes no code task, and the demo stays a matter of seconds.
                eval:
                  commit_generations: 8
                  max_new_tokens: 48
                  code:
                    tasks: 4
                """.formatted(MAX_STEPS, PROFILE, QuickstartModel.NAME, PROFILE, QuickstartModel.NAME, MAX_STEPS);
    }
}
