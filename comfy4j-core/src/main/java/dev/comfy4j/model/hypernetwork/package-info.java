/**
 * Hypernetworks (the A1111 {@code .pt} format ComfyUI's HypernetworkLoader reads): small MLPs per
 * attention width that add to the inputs of the attention's key and value projections.
 */
package dev.comfy4j.model.hypernetwork;
