package dev.sam.train.nativelib;

/** Shape and weight format of an opened base model (struct sam_model_info). */
public record ModelInfo(int hiddenSize, int numLayers, int numHeads, int numKvHeads, int headDim,
                        int intermediateSize, int vocabSize, boolean tiedEmbeddings, float ropeTheta,
                        float rmsNormEps, String weightDtype, int quantBits, int quantGroupSize, long numParams) {
}
