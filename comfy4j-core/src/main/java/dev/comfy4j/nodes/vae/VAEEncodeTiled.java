package dev.comfy4j.nodes.vae;

import dev.comfy4j.nodes.Input;
import dev.comfy4j.nodes.Node;
import dev.comfy4j.nodes.NodeContext;
import dev.comfy4j.nodes.NodeInputs;
import dev.comfy4j.nodes.NodeResult;
import dev.comfy4j.nodes.NodeSchema;
import dev.comfy4j.nodes.Output;
import dev.comfy4j.nodes.latent.Latent;

/** VAEEncodeTiled: encodes tile by tile with feathered overlaps, reporting progress per tile. */
public final class VAEEncodeTiled implements Node {
    @Override
    public NodeSchema schema() {
        return NodeSchema.v1("VAEEncodeTiled", "nodes")
                .displayName("VAE Encode (Tiled)")
                .category("_for_testing")
                .input(Input.of("pixels", "IMAGE").noOptions())
                .input(Input.of("vae", "VAE").noOptions())
                .input(Input.integer("tile_size").defaultValue(512).min(64).max(4096).step(64))
                .input(Input.integer("overlap").defaultValue(64).min(0).max(4096).step(32))
                .input(Input.integer("temporal_size").defaultValue(64).min(8).max(4096).step(4)
                        .tooltip("Only used for video VAEs: Amount of frames to encode at a time."))
                .input(Input.integer("temporal_overlap").defaultValue(8).min(4).max(4096).step(4)
                        .tooltip("Only used for video VAEs: Amount of frames to overlap."))
                .output(Output.of("LATENT"))
                .build();
    }

    @Override
    public NodeResult execute(NodeInputs in, NodeContext context) throws Exception {
        var pixels = VaeNodes.image(in.get("pixels"), "pixels");
        int tile = (int) in.integer("tile_size"), overlap = (int) in.integer("overlap");
        int temporal = (int) in.integer("temporal_size"), temporalOverlap = (int) in.integer("temporal_overlap");
        return NodeResult.of(Latent.of(VaeNodes.run(in.get("vae"),
                vae -> vae.encodeTiled(pixels, tile, overlap, temporal, temporalOverlap, context::progress))));
    }
}
