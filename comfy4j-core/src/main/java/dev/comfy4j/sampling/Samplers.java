package dev.comfy4j.sampling;

import dev.comfy4j.sampling.samplers.Ddim;
import dev.comfy4j.sampling.samplers.Ddpm;
import dev.comfy4j.sampling.samplers.Deis;
import dev.comfy4j.sampling.samplers.Dpm2;
import dev.comfy4j.sampling.samplers.Dpm2Ancestral;
import dev.comfy4j.sampling.samplers.DpmAdaptive;
import dev.comfy4j.sampling.samplers.DpmFast;
import dev.comfy4j.sampling.samplers.Dpmpp2m;
import dev.comfy4j.sampling.samplers.Dpmpp2mCfgPp;
import dev.comfy4j.sampling.samplers.Dpmpp2mSde;
import dev.comfy4j.sampling.samplers.Dpmpp2sAncestral;
import dev.comfy4j.sampling.samplers.Dpmpp2sAncestralCfgPp;
import dev.comfy4j.sampling.samplers.Dpmpp3mSde;
import dev.comfy4j.sampling.samplers.DpmppSde;
import dev.comfy4j.sampling.samplers.ErSde;
import dev.comfy4j.sampling.samplers.Euler;
import dev.comfy4j.sampling.samplers.EulerAncestral;
import dev.comfy4j.sampling.samplers.EulerAncestralCfgPp;
import dev.comfy4j.sampling.samplers.GradientEstimation;
import dev.comfy4j.sampling.samplers.Heun;
import dev.comfy4j.sampling.samplers.HeunPP2;
import dev.comfy4j.sampling.samplers.Ipndm;
import dev.comfy4j.sampling.samplers.IpndmV;
import dev.comfy4j.sampling.samplers.Lcm;
import dev.comfy4j.sampling.samplers.Lms;
import dev.comfy4j.sampling.samplers.ResMultistep;
import dev.comfy4j.sampling.samplers.SaSolver;
import dev.comfy4j.sampling.samplers.Seeds;
import dev.comfy4j.sampling.samplers.UniPc;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The samplers under ComfyUI's names. {@link #NAMES} is KSampler's full {@code sampler_name} list in
 * ComfyUI's order (what /object_info shows); {@link #byName} finds one by name. Every name is
 * implemented; the registry still refuses a name it lacks with a clear error, for future additions.
 */
public final class Samplers {
    /** ComfyUI 0.3.64's {@code KSampler.SAMPLERS}, in order. */
    public static final List<String> NAMES = List.of("euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp",
            "heun", "heunpp2", "dpm_2", "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral",
            "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde",
            "dpmpp_2m_sde_gpu", "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu", "ddpm",
            "lcm", "ipndm", "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp", "res_multistep_ancestral",
            "res_multistep_ancestral_cfg_pp", "gradient_estimation", "gradient_estimation_cfg_pp", "er_sde", "seeds_2",
            "seeds_3", "sa_solver", "sa_solver_pece", "ddim", "uni_pc", "uni_pc_bh2");

    private static final Map<String, Sampler> IMPLEMENTED = new TreeMap<>();

    static {
        register(new Euler());
        register(EulerAncestralCfgPp.euler());
        register(new EulerAncestral());
        register(EulerAncestralCfgPp.ancestral());
        register(new Heun());
        register(new HeunPP2());
        register(new Dpm2());
        register(new Dpm2Ancestral());
        register(new Lms());
        register(new DpmFast());
        register(new DpmAdaptive());
        register(new Dpmpp2sAncestral());
        register(new Dpmpp2sAncestralCfgPp());
        register(new DpmppSde("dpmpp_sde", 1.0, 1.0, 0.5));
        register(new DpmppSde("dpmpp_sde_gpu", 1.0, 1.0, 0.5));
        register(new Dpmpp2m());
        register(new Dpmpp2mCfgPp());
        register(new Dpmpp2mSde("dpmpp_2m_sde", false, 1.0, 1.0));
        register(new Dpmpp2mSde("dpmpp_2m_sde_gpu", false, 1.0, 1.0));
        register(new Dpmpp2mSde("dpmpp_2m_sde_heun", true, 1.0, 1.0));
        register(new Dpmpp2mSde("dpmpp_2m_sde_heun_gpu", true, 1.0, 1.0));
        register(new Dpmpp3mSde("dpmpp_3m_sde", 1.0, 1.0));
        register(new Dpmpp3mSde("dpmpp_3m_sde_gpu", 1.0, 1.0));
        register(new Ddpm());
        register(new Lcm());
        register(new Ipndm());
        register(new IpndmV());
        register(new Deis());
        register(ResMultistep.plain());
        register(ResMultistep.cfgPp());
        register(ResMultistep.ancestral());
        register(ResMultistep.ancestralCfgPp());
        register(new GradientEstimation(false, 2.0));
        register(new GradientEstimation(true, 2.0));
        register(new ErSde());
        register(Seeds.seeds2(1.0, 1.0, 0.5, false));
        register(Seeds.seeds3(1.0, 1.0, 1.0 / 3, 2.0 / 3));
        register(new SaSolver(SaSolver.defaults(false)));
        register(new SaSolver(SaSolver.defaults(true)));
        register(new Ddim());
        register(UniPc.bh1());
        register(UniPc.bh2());
    }

    private Samplers() {}

    private static void register(Sampler s) {
        if (!NAMES.contains(s.name())) throw new IllegalStateException("not a ComfyUI sampler name: " + s.name());
        IMPLEMENTED.put(s.name(), s);
    }

    /** The implemented sampler of that name, if any. */
    public static Optional<Sampler> find(String name) {
        return Optional.ofNullable(IMPLEMENTED.get(name));
    }

    /** The sampler of that name (every ComfyUI name is registered, SamplersTest checks it); an unknown name is an error. */
    public static Sampler byName(String name) {
        Sampler s = IMPLEMENTED.get(name);
        if (s == null) throw new IllegalArgumentException("unknown sampler: " + name);
        return s;
    }

    /** The implemented names, in ComfyUI's order. */
    public static List<String> implemented() {
        return NAMES.stream().filter(IMPLEMENTED::containsKey).toList();
    }
}
