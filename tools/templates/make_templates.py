# Writes the workflow templates comfy4j ships (ComfyUI UI-workflow JSON, "nodes/links" form).
import json, sys, uuid
# usage: python3 tools/templates/make_templates.py OUT_DIR [OBJECT_INFO_JSON]
# OBJECT_INFO_JSON gives the slot names and types (default: ComfyUI's recorded one beside the repository).
oi = json.load(open(sys.argv[2] if len(sys.argv) > 2 else '../shared/golden/comfyui/object_info.json'))
WIDGET_TYPES = {"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"}
SIZES = {"CheckpointLoaderSimple": [315, 98], "CLIPTextEncode": [400, 200], "KSampler": [315, 262],
         "EmptyLatentImage": [315, 106], "VAEDecode": [210, 46], "VAEEncode": [210, 46], "SaveImage": [400, 420],
         "LoadImage": [315, 314], "ImageScale": [315, 130], "ImageScaleBy": [315, 82], "VAEEncodeForInpaint": [315, 98]}

def is_socket(spec):
    t = spec[0]
    if isinstance(t, list): return False
    opts = spec[1] if len(spec) > 1 else {}
    if opts.get("forceInput"): return True
    return t not in WIDGET_TYPES

class Graph:
    def __init__(self):
        self.nodes = []; self.links = []; self.byid = {}
    def node(self, nid, cls, pos, widgets, title=None):
        d = oi[cls]
        inputs = []
        for group in ("required", "optional"):
            for name, spec in d["input"].get(group, {}).items():
                if is_socket(spec):
                    inputs.append({"name": name, "type": spec[0], "link": None})
        outputs = [{"name": n, "type": t, "links": [], "slot_index": i}
                   for i, (n, t) in enumerate(zip(d["output_name"], d["output"]))]
        n = {"id": nid, "type": cls, "pos": pos, "size": SIZES.get(cls, [315, 100]), "flags": {},
             "order": 0, "mode": 0, "inputs": inputs, "outputs": outputs,
             "properties": {"Node name for S&R": cls}, "widgets_values": widgets}
        if title: n["title"] = title
        self.nodes.append(n); self.byid[nid] = n
        return n
    def link(self, src, sslot, dst, dname):
        lid = len(self.links) + 1
        s = self.byid[src]; d = self.byid[dst]
        inp = next(i for i in d["inputs"] if i["name"] == dname)
        dslot = d["inputs"].index(inp)
        t = s["outputs"][sslot]["type"]
        inp["link"] = lid
        s["outputs"][sslot]["links"].append(lid)
        self.links.append([lid, src, sslot, dst, dslot, t])
    def order(self):
        # topological order, as the editor stores it
        indeg = {n["id"]: 0 for n in self.nodes}
        for l in self.links: indeg[l[3]] += 1
        ready = sorted([i for i, v in indeg.items() if v == 0])
        k = 0
        while ready:
            i = ready.pop(0); self.byid[i]["order"] = k; k += 1
            for l in self.links:
                if l[1] == i:
                    indeg[l[3]] -= 1
                    if indeg[l[3]] == 0: ready.append(l[3]); ready.sort()
    def dump(self, name):
        self.order()
        for n in self.nodes:
            for o in n["outputs"]:
                if not o["links"]: o["links"] = None
        g = {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, "comfy4j-template-" + name)), "revision": 0,
             "last_node_id": max(self.byid), "last_link_id": len(self.links),
             "nodes": sorted(self.nodes, key=lambda n: n["id"]), "links": self.links, "groups": [],
             "config": {}, "extra": {"ds": {"scale": 1, "offset": [0, 0]}}, "version": 0.4}
        return g

CKPT = "v1-5-pruned-emaonly-fp16.safetensors"
POS = "a beautiful scenic nature landscape, mountains, lake at sunrise, highly detailed"
NEG = "text, watermark, blurry"

def loader_and_prompts(g, pos=POS, neg=NEG):
    g.node(4, "CheckpointLoaderSimple", [30, 200], [CKPT])
    g.node(6, "CLIPTextEncode", [420, 40], [pos], "Positive prompt")
    g.node(7, "CLIPTextEncode", [420, 300], [neg], "Negative prompt")
    g.link(4, 1, 6, "clip"); g.link(4, 1, 7, "clip")

def sampler_to_save(g, denoise, seed, latent_src, prefix):
    g.node(3, "KSampler", [870, 180], [seed, "randomize", 20, 8, "euler", "normal", denoise])
    g.node(8, "VAEDecode", [1220, 180], [])
    g.node(9, "SaveImage", [1470, 180], [prefix])
    g.link(4, 0, 3, "model"); g.link(6, 0, 3, "positive"); g.link(7, 0, 3, "negative")
    g.link(latent_src, 0, 3, "latent_image")
    g.link(3, 0, 8, "samples"); g.link(4, 2, 8, "vae"); g.link(8, 0, 9, "images")

def t2i():
    g = Graph(); loader_and_prompts(g)
    g.node(5, "EmptyLatentImage", [470, 560], [512, 512, 1])
    sampler_to_save(g, 1.0, 156680208700286, 5, "comfy4j_t2i")
    return g.dump("sd15_text_to_image")

def i2i():
    g = Graph(); loader_and_prompts(g, POS + ", oil painting")
    g.node(10, "LoadImage", [30, 420], ["example.png", "image"])
    g.node(11, "ImageScale", [30, 780], ["lanczos", 512, 512, "center"])
    g.node(12, "VAEEncode", [470, 600], [])
    g.link(10, 0, 11, "image"); g.link(11, 0, 12, "pixels"); g.link(4, 2, 12, "vae")
    sampler_to_save(g, 0.6, 301212456789, 12, "comfy4j_i2i")
    return g.dump("sd15_image_to_image")

def inpaint():
    g = Graph(); loader_and_prompts(g, "a red brick wall, photo, detailed")
    g.node(10, "LoadImage", [30, 420], ["example.png", "image"], "Load image (the transparent area is repainted)")
    g.node(12, "VAEEncodeForInpaint", [470, 600], [6])
    g.link(10, 0, 12, "pixels"); g.link(4, 2, 12, "vae"); g.link(10, 1, 12, "mask")
    sampler_to_save(g, 1.0, 810213131313, 12, "comfy4j_inpaint")
    return g.dump("sd15_inpainting")

def upscale():
    g = Graph(); loader_and_prompts(g, "highly detailed, sharp focus, high resolution")
    g.node(10, "LoadImage", [30, 420], ["example.png", "image"])
    g.node(11, "ImageScaleBy", [30, 780], ["lanczos", 2.0], "Upscale 2x (pixels)")
    g.node(12, "VAEEncode", [470, 600], [])
    g.link(10, 0, 11, "image"); g.link(11, 0, 12, "pixels"); g.link(4, 2, 12, "vae")
    sampler_to_save(g, 0.35, 52525252, 12, "comfy4j_upscale")
    return g.dump("sd15_upscale")

out = sys.argv[1]
for name, fn in [("sd15_text_to_image", t2i), ("sd15_image_to_image", i2i), ("sd15_inpainting", inpaint), ("sd15_upscale", upscale)]:
    with open(f"{out}/{name}.json", "w") as f:
        json.dump(fn(), f, indent=2); f.write("\n")
